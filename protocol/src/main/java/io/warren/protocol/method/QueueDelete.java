package io.warren.protocol.method;

/** {@code queue.delete} (50, 40); wire format in {@link MethodTable}. */
public record QueueDelete(
    String queue,
    boolean ifUnused,
    boolean ifEmpty,
    boolean noWait)
    implements AmqpMethod {}
