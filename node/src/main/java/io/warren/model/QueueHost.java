package io.warren.model;

/**
 * What a queue needs from the broker that applies a command: the command's time, a place for the
 * effects it produces outside a checkout (dead letters), and the codec that rewrites a message's
 * properties. Implemented by {@link Broker}.
 */
interface QueueHost {
  /** The time stamped on the command being applied, in ms since the epoch; 0 while none is known. */
  long now();

  void emit(Effect effect);

  PropertiesCodec codec();
}
