package dev.syncplane.auth;

import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Problem;
import io.dropwizard.auth.UnauthorizedHandler;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** A 401 in problem+json, with the challenge the client needs. */
public class ProblemUnauthorizedHandler implements UnauthorizedHandler {
  @Override
  public Response buildResponse(String prefix, String realm) {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
        .type(Problem.MEDIA_TYPE)
        .entity(Problem.of(ErrorCode.UNAUTHORIZED, "send 'Authorization: Bearer <token>' (SYNCPLANE_API_TOKEN)", List.of()))
        .build();
  }
}
