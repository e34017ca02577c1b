package io.warren.protocol.method;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.types.Wire;
import java.util.List;

/**
 * The generic codec: walks a {@link MethodSpec}'s arguments, packing consecutive bits into octets
 * (low bit first, eight per octet) as the spec says, and reads or writes record components
 * through the spec's method handles.
 */
final class TableDrivenArgsCodec implements ArgsCodec {
  private final MethodSpec spec;
  private final List<MethodSpec.Arg> args;

  TableDrivenArgsCodec(MethodSpec spec) {
    this.spec = spec;
    this.args = spec.args();
  }

  @Override
  public AmqpMethod decode(ByteBuf in) {
    Object[] values = new Object[spec.componentCount()];
    int component = 0;
    int bits = 0;
    int bitIndex = 8; // 8 = no octet of bits loaded
    for (MethodSpec.Arg arg : args) {
      Object value;
      if (arg.type() == ArgType.BIT) {
        if (bitIndex == 8) {
          bits = Wire.readOctet(in);
          bitIndex = 0;
        }
        value = (bits & (1 << bitIndex++)) != 0;
      } else {
        bitIndex = 8;
        value = arg.type().read(in);
      }
      if (!arg.reserved()) {
        values[component++] = value;
      }
    }
    return spec.construct(values);
  }

  @Override
  public void encode(AmqpMethod method, ByteBuf out) {
    int bits = 0;
    int bitIndex = 0; // bits collected, not yet written
    for (int i = 0; i < args.size(); i++) {
      MethodSpec.Arg arg = args.get(i);
      Object value = arg.reserved() ? arg.type().reservedValue() : get(method, i, arg);
      if (arg.type() == ArgType.BIT) {
        if (bitIndex == 8) {
          out.writeByte(bits);
          bits = 0;
          bitIndex = 0;
        }
        if ((Boolean) value) {
          bits |= 1 << bitIndex;
        }
        bitIndex++;
      } else {
        if (bitIndex > 0) {
          out.writeByte(bits);
          bits = 0;
          bitIndex = 0;
        }
        arg.type().write(out, value);
      }
    }
    if (bitIndex > 0) {
      out.writeByte(bits);
    }
  }

  private Object get(AmqpMethod method, int i, MethodSpec.Arg arg) {
    Object value;
    try {
      value = spec.getter(i).invokeExact(method);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
    if (value == null) {
      throw new NullPointerException(spec.name() + " argument " + arg.name() + " is null");
    }
    return value;
  }
}
