package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.warren.node.it.support.Broker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A test's client of the management API: a real HTTP client with basic auth. Against the embedded
 * node it talks to its management port; with {@code -Dwarren.it.management=http://host:port} (and
 * {@code -Dwarren.it.uri=...} for AMQP) to that broker, which is how the API tests are checked
 * against RabbitMQ's management plugin.
 */
public final class ManagementHttp {
  static final String EXTERNAL_PROPERTY = "warren.it.management";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One answer: status, body parsed as JSON (missing when empty or not JSON), headers. */
  public record Response(int status, String body, JsonNode json, HttpHeaders headers) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;
  private final String authorization;

  public ManagementHttp(URI base, String user, String password) {
    this.base = base;
    this.authorization = user == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The management API of the broker a test class talks to. */
  static ManagementHttp of(Broker broker) {
    return new ManagementHttp(baseOf(broker), broker.username(), broker.password());
  }

  static URI baseOf(Broker broker) {
    String external = System.getProperty(EXTERNAL_PROPERTY);
    if (external != null) {
      return URI.create(external);
    }
    return URI.create("http://127.0.0.1:" + broker.requireEmbedded("management port").managementAddress().getPort());
  }

  URI base() {
    return base;
  }

  ManagementHttp as(String user, String password) {
    return new ManagementHttp(base, user, password);
  }

  ManagementHttp anonymous() {
    return new ManagementHttp(base, null, null);
  }

  /** A path segment as the API wants it ({@code /} is {@code %2F}). */
  static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  /** @param body a JSON value (serialized), a String (sent as it is) or null */
  public Response send(String method, String path, Object body, String... headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        String text = body instanceof String s ? s : MAPPER.writeValueAsString(body);
        b.header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofString(text));
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = r.body().isEmpty() ? MissingNode.getInstance() : MAPPER.readTree(r.body());
      } catch (IOException e) {
        json = MissingNode.getInstance();
      }
      return new Response(r.statusCode(), r.body(), json, r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
