package io.warren.protocol.method;

import io.warren.protocol.types.LongString;

/** {@code connection.secure-ok} (10, 21); wire format in {@link MethodTable}. */
public record ConnectionSecureOk(LongString response) implements AmqpMethod {}
