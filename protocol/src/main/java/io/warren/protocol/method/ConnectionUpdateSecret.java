package io.warren.protocol.method;

import io.warren.protocol.types.LongString;

/** {@code connection.update-secret} (10, 70); wire format in {@link MethodTable}. */
public record ConnectionUpdateSecret(LongString newSecret, String reason) implements AmqpMethod {}
