package io.warren.protocol.method;

/** {@code confirm.select-ok} (85, 11); wire format in {@link MethodTable}. */
public record ConfirmSelectOk() implements AmqpMethod {}
