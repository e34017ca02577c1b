package io.warren.node.management;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The web UI: files under one directory of the class path (in the node's jar), served as they
 * are. {@code /} is {@code index.html}; anything with {@code ..} or that is not there is 404.
 */
final class StaticFiles {
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "json", "application/json");

  private final String root;

  StaticFiles(String root) {
    this.root = root;
  }

  void serve(HttpExchange exchange, String rawPath) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    String path = rawPath.equals("/") ? "/index.html" : rawPath;
    String extension = path.substring(path.lastIndexOf('.') + 1);
    String type = TYPES.get(extension);
    InputStream in = path.contains("..") || path.contains("%") || type == null ? null
        : StaticFiles.class.getClassLoader().getResourceAsStream(root + path);
    if (in == null) {
      byte[] body = "Not Found".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(404, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    try (in) {
      byte[] body = in.readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
