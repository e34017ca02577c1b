package io.warren.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/** Prometheus's own HTTP API, as far as a test reads it: its scrape targets and instant queries. */
final class PrometheusApi {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ObjectMapper json = new ObjectMapper();

  PrometheusApi(URI base) {
    this.base = base;
  }

  /** The instances ({@code host:port}) of the active targets whose last scrape succeeded. */
  Set<String> healthyTargets() throws IOException, InterruptedException {
    Set<String> up = new TreeSet<>();
    for (JsonNode target : get("/api/v1/targets").path("activeTargets")) {
      if ("up".equals(target.path("health").asText())) {
        up.add(target.path("labels").path("instance").asText());
      }
    }
    return up;
  }

  /** The value of a query whose answer is one number (e.g. a {@code count(...)}); 0 for no answer. */
  double scalar(String query) throws IOException, InterruptedException {
    JsonNode result = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).path("result");
    if (result.isEmpty()) {
      return 0;
    }
    if (result.size() > 1) {
      throw new IllegalStateException("query " + query + " answered more than one series: " + result);
    }
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = json.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException("GET " + path + ": " + response.statusCode() + " " + response.body());
    }
    return body.path("data");
  }
}
