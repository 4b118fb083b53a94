package dev.syncplane.resources;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.DriftRepairPending;
import dev.syncplane.api.DriftRepairView;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.service.DriftRepairService;
import dev.syncplane.service.DriftRepairService.Outcome;
import dev.syncplane.temporal.drift.DriftReport;
import dev.syncplane.temporal.drift.ScanMode;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api/v1/drift-repair")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class DriftRepairResource {
  private final DriftRepairService service;

  public DriftRepairResource(DriftRepairService service) {
    this.service = service;
  }

  /** The last report and when the next periodic run is due. */
  @GET
  public DriftRepairView get() {
    return service.get();
  }

  /**
   * Repairs now: 200 with the report, or 202 if it has not finished within the bounded wait. {@code
   * scan=deep} (the default) describes every Schedule; {@code scan=list} only those the Schedule list
   * shows as drifted, missing or orphaned.
   */
  @POST
  @ApiResponse(responseCode = "200", description = "repaired; the report", content = @Content(schema = @Schema(implementation = DriftReport.class)))
  @ApiResponse(responseCode = "202", description = "not finished within the bounded wait; it goes on", content = @Content(schema = @Schema(implementation = DriftRepairPending.class)))
  public Response repairNow(
      @Parameter(
              description = "deep: describe every Schedule (finds every kind of drift); list: describe only the"
                  + " Schedules the Schedule list shows as drifted (interval, paused, workflow type, version),"
                  + " missing or orphaned",
              schema = @Schema(type = "string", allowableValues = {"deep", "list"}, defaultValue = "deep"))
          @QueryParam("scan")
          String scan) {
    ScanMode mode;
    try {
      mode = ScanMode.parse(scan);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
    Outcome outcome = service.repairNow(mode);
    return outcome.report() != null
        ? Response.ok(outcome.report()).build()
        : Response.accepted(outcome.pending()).build();
  }
}
