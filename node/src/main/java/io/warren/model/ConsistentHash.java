package io.warren.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code x-consistent-hash} exchange (RabbitMQ's rabbitmq_consistent_hash_exchange plugin): a
 * binding's key is its weight, a positive integer; each message goes to exactly one destination,
 * chosen by a hash of its routing keys (or of the header {@code hash-header}, or the property
 * {@code hash-property}), so one key always lands on the same queue, and the share of keys a
 * destination gets is proportional to its weight.
 *
 * <p>The choice is weighted rendezvous hashing: every destination scores the message with {@code
 * -weight / ln(u)}, {@code u} a uniform hash of (message key, destination) in (0, 1), and the highest
 * score wins. It is deterministic on every replica (a fixed 64-bit hash of the UTF-8 bytes and
 * {@link StrictMath}, never {@code Object.hashCode}), needs no ring of points (so a weight costs
 * nothing), and adding or removing a destination moves only the keys it gains or loses, as a
 * ring does. A destination bound more than once weighs what its first binding says, as in RabbitMQ.
 * Its placements differ from RabbitMQ's (which hashes with Erlang's phash2); the guarantees are the same.
 */
final class ConsistentHash implements BindingIndex {
  /** The first binding of each destination, in binding order, and how many bindings it has. */
  private final Map<Resource, List<Binding>> byDestination = new LinkedHashMap<>();
  private final HashOn hashOn;

  ConsistentHash(HashOn hashOn) {
    this.hashOn = hashOn;
  }

  /** What a message is hashed on: the exchange's {@code hash-header} or {@code hash-property}, else its routing keys. */
  record HashOn(String header, String property) {
    private static final List<String> PROPERTIES = List.of("message_id", "correlation_id", "timestamp");

    /** @throws AmqpFailure 406 with the plugin's text for arguments it refuses */
    static HashOn of(Arguments arguments) {
      String header = text(arguments, "hash-header");
      String property = text(arguments, "hash-property");
      if (header != null && property != null) {
        throw AmqpFailure.precondition("hash-header and hash-property are mutually exclusive");
      }
      if (property != null && !PROPERTIES.contains(property)) {
        throw AmqpFailure.precondition("Unsupported property: " + property);
      }
      return new HashOn(header, property);
    }

    private static String text(Arguments arguments, String key) {
      if (!arguments.containsKey(key)) {
        return null;
      }
      String s = arguments.getString(key);
      if (s == null) { // RabbitMQ 3.10's plugin crashes the channel here; a clear 406 is kinder
        throw AmqpFailure.precondition(key + " must be a string, not " + Arguments.typeName(arguments.get(key)));
      }
      return s;
    }
  }

  @Override
  public void validate(Binding b) {
    weight(b);
  }

  /** A binding's weight: its key, a positive integer (checked at bind with the plugin's words). */
  static long weight(Binding b) {
    long w;
    try {
      w = Long.parseLong(b.routingKey());
    } catch (NumberFormatException e) {
      throw AmqpFailure.precondition("The binding key must be an integer: <<\"" + b.routingKey() + "\">>");
    }
    if (w <= 0) {
      throw AmqpFailure.precondition("The binding key must be greater than 0");
    }
    return w;
  }

  @Override
  public void add(Binding b) {
    byDestination.computeIfAbsent(b.destination(), d -> new ArrayList<>(1)).add(b);
  }

  @Override
  public void remove(Binding b) {
    List<Binding> list = byDestination.get(b.destination());
    if (list != null && list.remove(b) && list.isEmpty()) {
      byDestination.remove(b.destination());
    }
  }

  @Override
  public void match(String routingKey, Arguments headers, Consumer<Binding> sink) {
    pick(hashOf(routingKey), sink);
  }

  @Override
  public void match(Message message, List<String> routingKeys, PropertiesCodec codec, Consumer<Binding> sink) {
    long key;
    if (hashOn.header() != null) {
      key = hashOfValue(message.headers().get(hashOn.header()));
    } else if (hashOn.property() != null) {
      key = hashOfValue(codec.property(message.properties(), hashOn.property()));
    } else if (routingKeys.size() == 1) {
      key = hashOf(routingKeys.get(0));
    } else {
      key = hashOf(String.join("\n", routingKeys)); // all keys, CC and BCC too, as the plugin does
    }
    pick(key, sink);
  }

  /** Calls {@code sink} with the first binding of the destination that scores highest for {@code keyHash}. */
  private void pick(long keyHash, Consumer<Binding> sink) {
    Binding best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (List<Binding> bindings : byDestination.values()) {
      Binding first = bindings.get(0);
      double u = unit(mix(keyHash ^ mix(hashOf(first.destination().toString()))));
      double score = -weight(first) / StrictMath.log(u);
      if (score > bestScore) {
        bestScore = score;
        best = first;
      }
    }
    if (best != null) {
      sink.accept(best);
    }
  }

  private static long hashOfValue(Object value) {
    if (value == null) {
      return 0x9E3779B97F4A7C15L; // no such header or property: one fixed place, as in the plugin
    }
    if (value instanceof Arguments.Bytes b) {
      return hashOf(b.bytes());
    }
    return hashOf(String.valueOf(value));
  }

  static long hashOf(String s) {
    return hashOf(s.getBytes(StandardCharsets.UTF_8));
  }

  /** 64-bit FNV-1a, then a finalising mix: fixed across JVMs and runs. */
  private static long hashOf(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** SplitMix64's finaliser: spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The top 53 bits as a double strictly between 0 and 1. */
  private static double unit(long h) {
    return ((h >>> 11) + 0.5) * 0x1.0p-53;
  }
}
