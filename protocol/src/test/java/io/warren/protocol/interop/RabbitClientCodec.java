package io.warren.protocol.interop;

import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;
import com.rabbitmq.client.impl.MethodArgumentReader;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.MethodSpec;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.FieldValue;
import io.warren.protocol.types.LongString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bridges between our values and RabbitMQ's Java client (used as a library): builds its method
 * objects from ours through their constructors, converts values to the Java types its
 * ValueWriter writes and its ValueReader returns, and normalizes them for comparison.
 */
final class RabbitClientCodec {
  private RabbitClientCodec() {}

  /** The value tags the client's ValueWriter produces. */
  static final String CLIENT_WRITES = "tbsIlfdDSATFVx";
  /** The value tags the client's ValueReader understands (it has no 'L'). */
  static final String CLIENT_READS = "tbBsuIiNlfdDSATFVx".replace("N", "");

  /** The client's class for a method, e.g. AMQImpl$Basic$GetOk for basic.get-ok. */
  static Class<?> clientClass(MethodSpec spec) {
    String[] parts = spec.name().split("\\.");
    String name = "com.rabbitmq.client.impl.AMQImpl$" + camel(parts[0]) + "$" + camel(parts[1]);
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("the client has no " + name, e);
    }
  }

  private static String camel(String dashed) {
    StringBuilder sb = new StringBuilder();
    for (String p : dashed.split("-")) {
      sb.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1));
    }
    return sb.toString();
  }

  /** The client's method object holding the same values as {@code m}. */
  static Method clientMethod(MethodSpec spec, AmqpMethod m) {
    Class<?> type = clientClass(spec);
    Constructor<?> ctor = null;
    for (Constructor<?> c : type.getConstructors()) {
      boolean readerCtor = c.getParameterCount() == 1
          && c.getParameterTypes()[0] == MethodArgumentReader.class;
      if (!readerCtor && c.getParameterCount() == spec.args().size()) {
        ctor = c;
      }
    }
    if (ctor == null) {
      throw new AssertionError("no constructor for " + spec.name() + " in " + type);
    }
    RecordComponent[] components = m.getClass().getRecordComponents();
    Object[] values = new Object[spec.args().size()];
    int component = 0;
    for (int i = 0; i < values.length; i++) {
      MethodSpec.Arg arg = spec.args().get(i);
      Object ours;
      if (arg.reserved()) {
        ours = switch (arg.type()) {
          case OCTET, SHORT -> 0;
          case LONG, LONGLONG -> 0L;
          case BIT -> false;
          case SHORTSTR -> "";
          case LONGSTR -> LongString.EMPTY;
          case TABLE -> FieldTable.EMPTY;
        };
      } else {
        try {
          ours = components[component++].getAccessor().invoke(m);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      Class<?> param = ctor.getParameterTypes()[i];
      values[i] = param == int.class && ours instanceof Long l ? (int) (long) l : toClient(ours);
    }
    try {
      return (Method) ctor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(spec.name() + " with " + List.of(values), e);
    }
  }

  /** Our value as the Java type the client writes or reads for it. */
  static Object toClient(Object ours) {
    if (ours instanceof LongString s) {
      return LongStringHelper.asLongString(s.bytes());
    } else if (ours instanceof FieldTable t) {
      Map<String, Object> map = new LinkedHashMap<>();
      t.entries().forEach(e -> map.put(e.name(), toClient(e.value())));
      return map;
    } else if (ours instanceof FieldValue v) {
      if (v instanceof FieldValue.LongStringValue s) {
        return toClient(s.value());
      } else if (v instanceof FieldValue.TableValue t) {
        return toClient(t.value());
      } else if (v instanceof FieldValue.ArrayValue a) {
        List<Object> list = new ArrayList<>();
        a.values().forEach(x -> list.add(toClient(x)));
        return list;
      } else if (v instanceof FieldValue.TimestampValue ts) {
        return new Date(ts.seconds() * 1000);
      }
      return v.toJava();
    }
    return ours;
  }

  /**
   * A form of a client-side value that compares by content: bytes become hex, every integer type
   * a Long (the client returns different integer classes for 'B', 'u', 'i'), maps sorted.
   */
  static Object normalize(Object o) {
    if (o instanceof com.rabbitmq.client.LongString s) {
      return "S:" + HexFormat.of().formatHex(s.getBytes());
    } else if (o instanceof byte[] b) {
      return "x:" + HexFormat.of().formatHex(b);
    } else if (o instanceof Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
      return sorted;
    } else if (o instanceof List<?> l) {
      return l.stream().map(RabbitClientCodec::normalize).toList();
    } else if (o instanceof Byte || o instanceof Short || o instanceof Integer || o instanceof Long) {
      return ((Number) o).longValue();
    }
    return o;
  }

  /**
   * Our value with field tables turned into sorted maps (recursively, records component by
   * component), for comparing values whose tables went through the client's HashMaps.
   */
  static Object canonical(Object o) {
    if (o instanceof FieldTable t) {
      Map<String, Object> sorted = new TreeMap<>();
      t.entries().forEach(e -> sorted.put(e.name(), canonical(e.value())));
      return sorted;
    } else if (o instanceof FieldValue.TableValue t) {
      return canonical(t.value());
    } else if (o instanceof FieldValue.ArrayValue a) {
      return a.values().stream().map(RabbitClientCodec::canonical).toList();
    } else if (o instanceof Record r) {
      List<Object> parts = new ArrayList<>();
      parts.add(r.getClass());
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        try {
          parts.add(canonical(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return parts;
    }
    return o;
  }

  /** All getXxx() values of a client object, normalized, by getter name. */
  static Map<String, Object> getters(Object clientObject) {
    Map<String, Object> values = new TreeMap<>();
    for (java.lang.reflect.Method g : clientObject.getClass().getMethods()) {
      if (g.getName().startsWith("get") && g.getParameterCount() == 0
          && g.getDeclaringClass() == clientObject.getClass()) {
        try {
          values.put(g.getName(), normalize(g.invoke(clientObject)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return values;
  }

  /** The bytes of a client frame, as its writer puts them on the wire. */
  static byte[] bytes(Frame frame) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      frame.writeTo(new DataOutputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads one frame with the client's reader. */
  static Frame readFrame(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      Frame f = Frame.readFrom(in, () -> Integer.MAX_VALUE);
      if (in.available() != 0) {
        throw new AssertionError(in.available() + " bytes left after the client read a frame");
      }
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
