package io.warren.protocol.method;

/** {@code queue.purge-ok} (50, 31); wire format in {@link MethodTable}. */
public record QueuePurgeOk(long messageCount) implements AmqpMethod {}
