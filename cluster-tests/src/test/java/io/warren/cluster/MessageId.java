package io.warren.cluster;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test message's name, also its body: {@code q2-p1-000123} is the 123rd message of producer p1,
 * sent to queue q2. Sequence numbers count up per producer across its reconnections, so a
 * producer's messages have an order.
 */
public record MessageId(String queue, String producer, long seq) implements Comparable<MessageId> {
  private static final Pattern FORMAT = Pattern.compile("([^-]+)-([^-]+)-(\\d+)");

  public static MessageId parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a test message id: " + text);
    }
    return new MessageId(m.group(1), m.group(2), Long.parseLong(m.group(3)));
  }

  public static MessageId ofBody(byte[] body) {
    return parse(new String(body, StandardCharsets.UTF_8));
  }

  public byte[] body() {
    return toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public int compareTo(MessageId o) {
    int c = queue.compareTo(o.queue);
    if (c == 0) {
      c = producer.compareTo(o.producer);
    }
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  @Override
  public String toString() {
    return String.format("%s-%s-%06d", queue, producer, seq);
  }
}
