package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.warren.model.Arguments;
import io.warren.node.amqp.FieldTables;
import io.warren.protocol.AmqpException;
import io.warren.protocol.types.FieldTable;

/**
 * {@link Arguments} in binary: exactly an AMQP field table (32-bit length, then entries), written
 * by the protocol's own codec, so the log and the store share one table format with the wire.
 * Value types map as {@link FieldTables#toFieldTable} says, and decoding gives back an equal
 * Arguments.
 */
public final class ArgumentsCodec {
  private ArgumentsCodec() {}

  /**
   * Appends {@code arguments} as a field table.
   *
   * @throws IllegalArgumentException if a value has no field table type; nothing is written then
   */
  public static void write(ByteBuf out, Arguments arguments) {
    FieldTables.toFieldTable(arguments).encode(out);
  }

  /**
   * Reads a field table written by {@link #write}.
   *
   * @throws IllegalArgumentException if the input is truncated or not a valid field table
   */
  public static Arguments read(ByteBuf in) {
    try {
      return FieldTables.toArguments(FieldTable.decode(in));
    } catch (AmqpException e) {
      // The protocol reports bad input as an AMQP error for the client; here it is corrupt data.
      throw new IllegalArgumentException("malformed arguments table: " + e.getMessage(), e);
    }
  }
}
