package dev.syncplane.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.api.ChangeResponse;
import dev.syncplane.api.IntegrationPatch;
import dev.syncplane.api.CreateIntegrationRequest;
import dev.syncplane.api.IntegrationView;
import dev.syncplane.api.Page;
import dev.syncplane.api.ReplaceIntegrationRequest;
import dev.syncplane.api.UpdateView;
import dev.syncplane.service.IntegrationService;
import dev.syncplane.service.IntegrationService.ChangeOutcome;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;

@Path("/api/v1/integrations")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class IntegrationResource {
  public static final String MERGE_PATCH = "application/merge-patch+json";

  private final IntegrationService service;
  private final Paging paging;

  public IntegrationResource(IntegrationService service, Paging paging) {
    this.service = service;
    this.paging = paging;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @ApiResponse(responseCode = "201", description = "created at version 1", content = @Content(schema = @Schema(implementation = IntegrationView.class)))
  public Response create(CreateIntegrationRequest body) {
    IntegrationView created = service.create(body);
    return Response.created(UriBuilder.fromResource(IntegrationResource.class).path(created.id()).build())
        .tag(tag(created))
        .entity(created)
        .build();
  }

  @GET
  public Page<IntegrationView> list(@QueryParam("after") String after, @QueryParam("limit") String limit) {
    return service.list(after, paging.limit(limit));
  }

  @GET
  @Path("{id}")
  @ApiResponse(responseCode = "200", description = "the integration; ETag: \"<version>\"", content = @Content(schema = @Schema(implementation = IntegrationView.class)))
  public Response get(@PathParam("id") String id) {
    IntegrationView view = service.get(id);
    return Response.ok(view).tag(tag(view)).build();
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @ApiResponse(responseCode = "200", description = "committed; the fan-out to the Schedules goes on", content = @Content(schema = @Schema(implementation = ChangeResponse.class)))
  @ApiResponse(responseCode = "202", description = "accepted, not committed within the bounded wait", content = @Content(schema = @Schema(implementation = ChangeResponse.class)))
  public Response replace(
      @PathParam("id") String id,
      @HeaderParam("If-Match") String ifMatch,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      ReplaceIntegrationRequest body) {
    return changed(service.replace(id, body, ifMatch, idempotencyKey));
  }

  @PATCH
  @Path("{id}")
  @Consumes({MERGE_PATCH, MediaType.APPLICATION_JSON})
  @ApiResponse(responseCode = "200", description = "committed; the fan-out to the Schedules goes on", content = @Content(schema = @Schema(implementation = ChangeResponse.class)))
  @ApiResponse(responseCode = "202", description = "accepted, not committed within the bounded wait", content = @Content(schema = @Schema(implementation = ChangeResponse.class)))
  public Response patch(
      @PathParam("id") String id,
      @HeaderParam("If-Match") String ifMatch,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @RequestBody(content = {
            @Content(mediaType = MERGE_PATCH, schema = @Schema(implementation = IntegrationPatch.class)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IntegrationPatch.class))})
          JsonNode body) {
    return changed(service.patch(id, body, ifMatch, idempotencyKey));
  }

  @DELETE
  @Path("{id}")
  @ApiResponse(responseCode = "202", description = "a workflow removes its Schedules, then its rows", content = @Content(schema = @Schema(implementation = UpdateView.class)))
  public Response delete(@PathParam("id") String id) {
    return Response.accepted(service.delete(id)).build();
  }

  @GET
  @Path("{id}/updates")
  public List<UpdateView> updates(@PathParam("id") String id, @QueryParam("limit") String limit) {
    return service.updates(id, paging.limit(limit));
  }

  @GET
  @Path("{id}/updates/{updateId}")
  public UpdateView update(@PathParam("id") String id, @PathParam("updateId") String updateId) {
    return service.update(id, updateId);
  }

  private static Response changed(ChangeOutcome outcome) {
    ChangeResponse body = outcome.body();
    if (!outcome.committed()) {
      return Response.accepted(body).build();
    }
    return Response.ok(body).tag(tag(body.integration())).build();
  }

  private static EntityTag tag(IntegrationView view) {
    return new EntityTag(Long.toString(view.version()));
  }
}
