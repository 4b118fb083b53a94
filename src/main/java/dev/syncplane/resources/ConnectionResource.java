package dev.syncplane.resources;

import dev.syncplane.api.ConnectRequest;
import dev.syncplane.api.ConnectionView;
import dev.syncplane.api.Page;
import dev.syncplane.api.SyncRunView;
import dev.syncplane.api.SyncTriggered;
import dev.syncplane.service.ConnectionService;
import dev.syncplane.service.ConnectionService.Connected;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

@Path("/api/v1/integrations/{integrationId}/connections")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionResource {
  private final ConnectionService service;
  private final Paging paging;

  public ConnectionResource(ConnectionService service, Paging paging) {
    this.service = service;
    this.paging = paging;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @ApiResponse(responseCode = "201", description = "connected; its Schedule exists", content = @Content(schema = @Schema(implementation = ConnectionView.class)))
  @ApiResponse(responseCode = "200", description = "already connected", content = @Content(schema = @Schema(implementation = ConnectionView.class)))
  @ApiResponse(responseCode = "202", description = "accepted, not done within the bounded wait", content = @Content(schema = @Schema(implementation = ConnectionView.class)))
  public Response connect(@PathParam("integrationId") String integrationId, ConnectRequest body) {
    Connected c = service.connect(integrationId, body);
    int status = c.pending() ? 202 : c.created() ? 201 : 200;
    return Response.status(status).entity(c.connection()).build();
  }

  @GET
  public Page<ConnectionView> list(
      @PathParam("integrationId") String integrationId,
      @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
    return service.list(integrationId, after, paging.limit(limit));
  }

  @DELETE
  @Path("{connectionId}")
  @ApiResponse(responseCode = "204", description = "disconnected; its Schedule is removed")
  @ApiResponse(responseCode = "202", description = "accepted, not done within the bounded wait")
  public Response disconnect(
      @PathParam("integrationId") String integrationId, @PathParam("connectionId") String connectionId) {
    return service.disconnect(integrationId, connectionId) ? Response.noContent().build() : Response.accepted().build();
  }

  @POST
  @Path("{connectionId}/sync")
  @ApiResponse(responseCode = "202", description = "the Schedule was triggered", content = @Content(schema = @Schema(implementation = SyncTriggered.class)))
  public Response syncNow(
      @PathParam("integrationId") String integrationId, @PathParam("connectionId") String connectionId) {
    SyncTriggered triggered = service.syncNow(integrationId, connectionId);
    return Response.accepted(triggered).build();
  }

  @GET
  @Path("{connectionId}/sync-runs")
  public List<SyncRunView> syncRuns(
      @PathParam("integrationId") String integrationId,
      @PathParam("connectionId") String connectionId,
      @QueryParam("limit") String limit) {
    return service.syncRuns(integrationId, connectionId, paging.limit(limit));
  }
}
