package io.warren.node.management;

import io.warren.model.Reply;

/** The model's refusals as the API answers them, following RabbitMQ's management plugin. */
final class Replies {
  private Replies() {}

  /** {@code reply}, unless it is a refusal: then the matching {@link ApiException}. */
  static Reply check(Reply reply) {
    if (reply instanceof Reply.Failure f) {
      throw toException(f);
    }
    if (reply instanceof Reply.NotStored n) {
      throw ApiException.unavailable("message not stored: " + n.reason());
    }
    return reply;
  }

  static ApiException toException(Reply.Failure f) {
    return switch (f.code()) {
      case NOT_FOUND -> new ApiException(404, "not_found", f.text());
      // RabbitMQ answers a refused operation (a reserved amq.* name) with 401 not_authorised.
      case ACCESS_REFUSED -> new ApiException(401, "not_authorised", f.text());
      case PRECONDITION_FAILED -> ApiException.badRequest(f.text());
      case NOT_ALLOWED -> new ApiException(404, "not_found", f.text()); // an unknown vhost
      case INTERNAL_ERROR -> new ApiException(500, "internal_server_error", f.text());
      default -> ApiException.badRequest(f.code().code() + " " + f.code().textName() + " - " + f.text());
    };
  }
}
