package io.warren.protocol.method;

import io.netty.buffer.ByteBuf;

/** Reads and writes the arguments of one method (after the class and method ids). */
interface ArgsCodec {
  /** Throws AmqpException on malformed input (without class/method ids; the caller adds them). */
  AmqpMethod decode(ByteBuf in);

  void encode(AmqpMethod method, ByteBuf out);
}
