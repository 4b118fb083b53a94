package dev.syncplane.resources;

import dev.syncplane.api.IntegrationStatus;
import dev.syncplane.service.StatusService;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/integrations/{id}/status")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class IntegrationStatusResource {
  private final StatusService service;

  public IntegrationStatusResource(StatusService service) {
    this.service = service;
  }

  @GET
  public IntegrationStatus status(@PathParam("id") String id) {
    return service.status(id);
  }
}
