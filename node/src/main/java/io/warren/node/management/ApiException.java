package io.warren.node.management;

/**
 * An API error, answered as RabbitMQ's management plugin answers it: the HTTP status and a body
 * {@code {"error": ..., "reason": ...}}.
 */
class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  ApiException(int status, String error, String reason) {
    super(reason);
    this.status = status;
    this.error = error;
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  String reason() {
    return getMessage();
  }

  /** What RabbitMQ answers for any object (or path) that is not there. */
  static ApiException notFound() {
    return new ApiException(404, "Object Not Found", "Not Found");
  }

  static ApiException badRequest(String reason) {
    return new ApiException(400, "bad_request", reason);
  }

  static ApiException unavailable(String reason) {
    return new ApiException(503, "service_unavailable", reason);
  }
}
