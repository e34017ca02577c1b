package io.warren.model;

import io.warren.protocol.ReplyCode;

/**
 * Thrown inside apply to refuse a command; {@link Broker#apply} turns it into a
 * {@link Reply.Failure}. Every handler validates before it mutates, so a refusal leaves the state
 * untouched.
 */
public final class AmqpFailure extends RuntimeException {
  private final ReplyCode code;

  public AmqpFailure(ReplyCode code, String text) {
    super(text, null, false, false);
    this.code = code;
  }

  public ReplyCode code() {
    return code;
  }

  public String text() {
    return getMessage();
  }

  static AmqpFailure notFound(Resource r) {
    return new AmqpFailure(ReplyCode.NOT_FOUND, "no " + r);
  }

  static AmqpFailure precondition(String text) {
    return new AmqpFailure(ReplyCode.PRECONDITION_FAILED, text);
  }

  static AmqpFailure accessRefused(String text) {
    return new AmqpFailure(ReplyCode.ACCESS_REFUSED, text);
  }
}
