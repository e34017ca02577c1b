package io.warren.node.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.warren.protocol.frame.ContentBodyFrame;
import io.warren.protocol.frame.ContentHeaderFrame;
import io.warren.protocol.frame.Frame;
import io.warren.protocol.frame.FrameWriter;
import io.warren.protocol.frame.MethodFrame;
import io.warren.protocol.method.AmqpMethod;

/**
 * Writes a content-bearing method (basic.deliver, basic.get-ok, basic.return) with the message's
 * raw properties and body. A small message goes out as one buffer holding all three frames; a
 * large one wraps the body without copying and lets the encoder split it at frame-max.
 */
final class ContentWriter {
  /** Up to this size, copying into one buffer is cheaper than several writes. */
  private static final int SINGLE_BUFFER_LIMIT = 64 * 1024;
  private static final int BASIC_CLASS = 60;

  private ContentWriter() {}

  static void write(ChannelHandlerContext ctx, int channel, AmqpMethod method, byte[] properties, byte[] body,
      int frameMax) {
    if (body.length <= SINGLE_BUFFER_LIMIT && body.length <= frameMax - Frame.OVERHEAD) {
      ByteBuf out = ctx.alloc().ioBuffer(128 + properties.length + body.length);
      try {
        FrameWriter.encode(new MethodFrame(channel, method), out);
        FrameWriter.encode(new ContentHeaderFrame(channel, BASIC_CLASS, body.length,
            Unpooled.wrappedBuffer(properties)), out);
        if (body.length > 0) {
          FrameWriter.encode(new ContentBodyFrame(channel, Unpooled.wrappedBuffer(body)), out);
        }
      } catch (RuntimeException e) {
        out.release();
        throw e;
      }
      ctx.write(out, ctx.voidPromise());
      return;
    }
    for (Frame f : FrameWriter.contentFrames(channel, method, Unpooled.wrappedBuffer(properties),
        Unpooled.wrappedBuffer(body), frameMax)) {
      ctx.write(f, ctx.voidPromise());
    }
  }
}
