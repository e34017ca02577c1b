package io.warren.node.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** warrenctl's only way to the node: its management HTTP API, with basic auth. */
final class ApiClient {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;
  private final String authorization;

  ApiClient(String host, int port, String user, String password) {
    this.base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** A path segment as the API wants it ({@code /} is {@code %2F}). */
  static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  /** What {@code path} holds, or null when the node answers 404 (no such object). */
  JsonNode find(String path) {
    try {
      return get(path);
    } catch (NotFound e) {
      return null;
    }
  }

  JsonNode put(String path, String json) {
    return send("PUT", path, json);
  }

  JsonNode post(String path, String json) {
    return send("POST", path, json);
  }

  JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /** Sends a request; an error answer becomes a {@link CtlException} carrying the API's reason. */
  private JsonNode send(String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
        .header("Authorization", authorization);
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CtlException(CtlException.UNAVAILABLE, "cannot reach the management API at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException(CtlException.UNAVAILABLE, "interrupted");
    }
    JsonNode body = parse(r.body());
    int status = r.statusCode();
    if (status == 401) {
      throw new CtlException(CtlException.NO_PERMISSION, "the node refused the credentials (HTTP 401)"
          + reason(body));
    }
    if (status == 404) {
      throw new NotFound(method + " " + path + " failed: HTTP 404" + reason(body));
    }
    if (status >= 400) {
      throw new CtlException(status >= 500 ? CtlException.SOFTWARE : CtlException.DATA_ERROR,
          method + " " + path + " failed: HTTP " + status + reason(body));
    }
    return body;
  }

  /** A 404 answer: the node has no such object. */
  static final class NotFound extends CtlException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(DATA_ERROR, message);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new CtlException(CtlException.SOFTWARE, "the node answered something that is not JSON: " + body);
    }
  }

  private static String reason(JsonNode body) {
    if (body.has("reason")) {
      return ": " + body.path("error").asText() + ": " + body.path("reason").asText();
    }
    return "";
  }
}
