package io.warren.node.management;

import java.util.Map;

/**
 * What a handler answers: a status, a body (a JSON value, serialized by the server; or none) and
 * extra headers.
 */
record ApiResponse(int status, Object body, Map<String, String> headers) {
  static final ApiResponse NO_CONTENT = new ApiResponse(204, null, Map.of());
  static final ApiResponse CREATED = new ApiResponse(201, null, Map.of());

  static ApiResponse ok(Object body) {
    return new ApiResponse(200, body, Map.of());
  }

  /** 201 for something new, 204 for something that was already there, as RabbitMQ answers a PUT. */
  static ApiResponse createdOrExisted(boolean created) {
    return created ? CREATED : NO_CONTENT;
  }
}
