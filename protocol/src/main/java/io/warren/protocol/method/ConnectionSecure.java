package io.warren.protocol.method;

import io.warren.protocol.types.LongString;

/** {@code connection.secure} (10, 20); wire format in {@link MethodTable}. */
public record ConnectionSecure(LongString challenge) implements AmqpMethod {}
