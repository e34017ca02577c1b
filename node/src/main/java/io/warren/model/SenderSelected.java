package io.warren.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RabbitMQ's sender-selected distribution: the {@code CC} and {@code BCC} headers, arrays of
 * strings, add routing keys to the one a message is published with, for every exchange type that
 * routes by key (and the default exchange). {@code BCC} is taken out of the message before it is
 * stored or delivered, so no receiver learns of it; {@code CC} stays. Array elements that are not
 * strings are ignored and any other type of header refuses the publish, as in RabbitMQ 3.10.
 */
final class SenderSelected {
  static final String CC = "CC";
  static final String BCC = "BCC";

  private SenderSelected() {}

  /**
   * The routing keys of {@code m}: its own, then those of {@code CC}, then those of {@code BCC}
   * (duplicates are harmless: routing dedupes the queues it reaches).
   *
   * @throws AmqpFailure 406 when CC or BCC is not an array
   */
  static List<String> routingKeys(Message m) {
    Arguments headers = m.headers();
    if (headers.isEmpty() || !(headers.containsKey(CC) || headers.containsKey(BCC))) {
      return List.of(m.routingKey());
    }
    List<String> keys = new ArrayList<>(4);
    keys.add(m.routingKey());
    addKeys(headers, CC, keys);
    addKeys(headers, BCC, keys);
    return keys;
  }

  private static void addKeys(Arguments headers, String header, List<String> keys) {
    if (!headers.containsKey(header)) {
      return;
    }
    if (!(headers.get(header) instanceof List<?> values)) {
      throw AmqpFailure.precondition("invalid message: {unacceptable_type_in_header,\"" + header + "\","
          + Arguments.typeName(headers.get(header)) + "}");
    }
    for (Object v : values) {
      if (v instanceof String s) {
        keys.add(s);
      } else if (v instanceof Arguments.Bytes b) {
        keys.add(new String(b.bytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
  }

  /** {@code m} as receivers get it: without its {@code BCC} header (the same message when it has none). */
  static Message withoutBcc(Message m, PropertiesCodec codec) {
    if (m.headers().isEmpty() || !m.headers().containsKey(BCC)) {
      return m;
    }
    Map<String, Object> headers = new LinkedHashMap<>(m.headers().asMap());
    headers.remove(BCC);
    Arguments kept = Arguments.of(headers);
    return new Message(m.exchange(), m.routingKey(), codec.withHeaders(m.properties(), kept, false), m.body(), kept,
        m.persistent(), m.expiration());
  }
}
