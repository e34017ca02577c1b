package io.warren.model;

/**
 * A named thing inside a virtual host: an exchange or a queue. Both can be the destination of a
 * binding. {@link #toString()} is RabbitMQ's wording ("queue 'q' in vhost '/'"), used in errors.
 */
public sealed interface Resource permits ExchangeName, QueueName {
  String vhost();

  String name();

  /** "exchange" or "queue". */
  String kind();

  static String describe(Resource r) {
    return r.kind() + " '" + r.name() + "' in vhost '" + r.vhost() + "'";
  }
}
