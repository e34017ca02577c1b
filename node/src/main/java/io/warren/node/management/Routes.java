package io.warren.node.management;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's route table: paths below {@code /api} as segments, where {@code {name}} takes one
 * (URL-decoded) segment. A path that no route has is 404; a path some route has, with another
 * method, is 405.
 */
final class Routes {

  /** Handles one call; throws {@link ApiException} for an error answer. */
  @FunctionalInterface
  interface Handler {
    ApiResponse handle(ApiRequest request);
  }

  private record Route(String method, String[] pattern, Handler handler) {}

  /** A route found for a path, with the parameters it took from it. */
  record Match(Handler handler, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  Routes get(String pattern, Handler handler) {
    return add("GET", pattern, handler);
  }

  Routes put(String pattern, Handler handler) {
    return add("PUT", pattern, handler);
  }

  Routes post(String pattern, Handler handler) {
    return add("POST", pattern, handler);
  }

  Routes delete(String pattern, Handler handler) {
    return add("DELETE", pattern, handler);
  }

  private Routes add(String method, String pattern, Handler handler) {
    routes.add(new Route(method, segments(pattern), handler));
    return this;
  }

  private static String[] segments(String pattern) {
    String trimmed = pattern.startsWith("/") ? pattern.substring(1) : pattern;
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }

  /**
   * The route for {@code method} and the decoded path segments.
   *
   * @throws ApiException 404 when no route has the path, 405 when none has it with this method
   */
  Match find(String method, List<String> path) {
    Set<String> allowed = new LinkedHashSet<>();
    for (Route r : routes) {
      Map<String, String> params = match(r.pattern(), path);
      if (params == null) {
        continue;
      }
      // HEAD is GET without a body (the server drops it).
      if (r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET"))) {
        return new Match(r.handler(), params);
      }
      allowed.add(r.method());
    }
    if (allowed.isEmpty()) {
      throw ApiException.notFound();
    }
    throw new MethodNotAllowed(allowed);
  }

  private static Map<String, String> match(String[] pattern, List<String> path) {
    if (pattern.length != path.size()) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), path.get(i));
      } else if (!p.equals(path.get(i))) {
        return null;
      }
    }
    return params;
  }

  /** 405, with the methods the path does allow. */
  static final class MethodNotAllowed extends ApiException {
    private static final long serialVersionUID = 1L;
    private final String allow;

    MethodNotAllowed(Set<String> allowed) {
      super(405, "method_not_allowed", "Method Not Allowed");
      this.allow = String.join(", ", allowed);
    }

    String allow() {
      return allow;
    }
  }
}
