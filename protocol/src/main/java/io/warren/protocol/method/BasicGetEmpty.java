package io.warren.protocol.method;

/** {@code basic.get-empty} (60, 72); wire format in {@link MethodTable}. */
public record BasicGetEmpty() implements AmqpMethod {}
