package io.warren.model;

import java.math.BigInteger;

/**
 * Time limits as RabbitMQ reads them: the {@code expiration} property of a message (a per-message
 * TTL, a string of milliseconds) and the integer queue arguments {@code x-message-ttl} and {@code
 * x-expires}. Errors carry RabbitMQ's wording, which clients and their tests match.
 */
public final class Expiration {
  /** The largest TTL or expiry RabbitMQ accepts: ten years, in milliseconds. */
  public static final long MAX_MILLIS = 315_360_000_000L;

  private static final BigInteger MAX = BigInteger.valueOf(MAX_MILLIS);

  private Expiration() {}

  /**
   * The TTL an {@code expiration} property gives, read as Erlang's {@code string:to_integer}
   * (an optional sign, then digits, nothing after them) and checked against 0..{@link #MAX_MILLIS}.
   *
   * @throws AmqpFailure 406 PRECONDITION_FAILED "invalid expiration '...': ..." as RabbitMQ says it
   */
  public static long parse(String expiration) {
    int digitsFrom = !expiration.isEmpty() && (expiration.charAt(0) == '+' || expiration.charAt(0) == '-') ? 1 : 0;
    int end = digitsFrom;
    while (end < expiration.length() && Character.isDigit(expiration.charAt(end)) && expiration.charAt(end) < 128) {
      end++;
    }
    if (end == digitsFrom) {
      throw invalid(expiration, "no_integer");
    }
    if (end < expiration.length()) {
      throw invalid(expiration, "{leftover_string," + erlangString(expiration.substring(end)) + "}");
    }
    BigInteger value = new BigInteger(expiration);
    if (value.signum() < 0) {
      throw invalid(expiration, "{value_negative," + value + "}");
    }
    if (value.compareTo(MAX) > 0) {
      throw invalid(expiration, "{value_too_large," + value + "}");
    }
    return value.longValueExact();
  }

  /** The TTL of an expiration property the front end already checked; -1 if it is not valid after all. */
  static long millisOrNone(String expiration) {
    try {
      return parse(expiration);
    } catch (AmqpFailure e) {
      return -1;
    }
  }

  /**
   * Checks an integer queue argument that is a duration ({@code x-message-ttl}, {@code
   * x-expires}): at most {@link #MAX_MILLIS}, not negative, and not zero unless {@code zeroAllowed}.
   * Returns the reason RabbitMQ gives for refusing it, or null when it is fine.
   */
  static String checkDuration(long value, boolean zeroAllowed) {
    if (value < 0) {
      return "{value_negative," + value + "}";
    }
    if (value == 0 && !zeroAllowed) {
      return "{value_zero,0}";
    }
    if (value > MAX_MILLIS) {
      return "{value_too_large," + value + "}";
    }
    return null;
  }

  private static AmqpFailure invalid(String expiration, String reason) {
    return AmqpFailure.precondition("invalid expiration '" + expiration + "': " + reason);
  }

  /** A string as Erlang's {@code ~p} prints it. */
  private static String erlangString(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
