package io.warren.protocol.method;

/** {@code queue.delete-ok} (50, 41); wire format in {@link MethodTable}. */
public record QueueDeleteOk(long messageCount) implements AmqpMethod {}
