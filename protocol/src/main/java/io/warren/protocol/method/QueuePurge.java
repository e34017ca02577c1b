package io.warren.protocol.method;

/** {@code queue.purge} (50, 30); wire format in {@link MethodTable}. */
public record QueuePurge(String queue, boolean noWait) implements AmqpMethod {}
