package io.warren.protocol.method;

/** {@code basic.recover-ok} (60, 111); wire format in {@link MethodTable}. */
public record BasicRecoverOk() implements AmqpMethod {}
