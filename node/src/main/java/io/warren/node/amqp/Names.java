package io.warren.node.amqp;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Server-generated names, made here (not in the model, which must be deterministic) and passed
 * in commands: {@code amq.gen-...} queues and {@code amq.ctag-...} consumer tags, shaped like
 * RabbitMQ's (16 random bytes, URL-safe base64).
 */
final class Names {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Names() {}

  static String queueName() {
    return "amq.gen-" + random();
  }

  static String consumerTag() {
    return "amq.ctag-" + random();
  }

  private static String random() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
