package io.warren.protocol.method;

/** {@code basic.consume-ok} (60, 21); wire format in {@link MethodTable}. */
public record BasicConsumeOk(String consumerTag) implements AmqpMethod {}
