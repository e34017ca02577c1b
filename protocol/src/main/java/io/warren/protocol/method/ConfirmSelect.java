package io.warren.protocol.method;

/** {@code confirm.select} (85, 10); wire format in {@link MethodTable}. */
public record ConfirmSelect(boolean noWait) implements AmqpMethod {}
