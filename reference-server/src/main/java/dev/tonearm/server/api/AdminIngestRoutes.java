package dev.tonearm.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.fault.FaultAdminRoutes;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.ingest.IngestException;
import dev.tonearm.server.ingest.IngestResult;
import dev.tonearm.server.ingest.IngestService;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/admin/ingest}: adds a file that is already on the server's disk to the running
 * catalog, the HTTP twin of the {@code ingest} command. Guarded by the admin token, and present
 * only when the server was started with one.
 */
public final class AdminIngestRoutes {
  private AdminIngestRoutes() {}

  /** Adds the route to {@code router}. */
  public static void register(Router.Builder router, IngestService ingest, String adminToken) {
    router.open(
        HttpMethod.POST,
        "/v1/admin/ingest",
        FaultAdminRoutes.admin(adminToken, request -> ingest(ingest, request)));
  }

  private static ApiResponse ingest(IngestService ingest, ApiRequest request) {
    JsonNode body = request.jsonObjectBody();
    String pathText = ApiRequest.requiredString(body, "path");
    Path file;
    try {
      file = Paths.get(pathText);
    } catch (InvalidPathException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "path is not a valid file path: " + pathText);
    }
    if (!file.isAbsolute()) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "path must be absolute, but is relative: " + file);
    }
    if (!Files.exists(file)) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "file not found on the server: " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "path is not a regular file: " + file);
    }
    IngestResult result;
    try {
      result = ingest.ingest(file, Map.of());
    } catch (IngestException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "ingest rejected the file: " + e.reason() + ": " + e.getMessage());
    } catch (IOException e) {
      throw new ApiException(ErrorCode.INTERNAL, "ingest failed: " + e.getMessage());
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("trackId", result.track().id());
    response.put("alreadyPresent", result.alreadyPresent());
    response.put("warnings", result.warnings());
    return result.alreadyPresent() ? ApiResponse.ok(response) : ApiResponse.created(response);
  }
}
