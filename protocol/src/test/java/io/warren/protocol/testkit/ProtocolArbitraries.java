package io.warren.protocol.testkit;

import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.ArgType;
import io.warren.protocol.method.MethodSpec;
import io.warren.protocol.method.MethodTable;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.FieldValue;
import io.warren.protocol.types.LongString;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators for the protocol's values, built generically from their types. */
public final class ProtocolArbitraries {
  private ProtocolArbitraries() {}

  /** Every field value tag. */
  public static final String ALL_TAGS = "tbBsuIiLlfdDSATFVx";

  /** Short strings up to 255 UTF-8 bytes, with ASCII, multi-byte and supplementary characters. */
  public static Arbitrary<String> shortStrings() {
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(255);
    Arbitrary<String> bmp = Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(85);
    Arbitrary<String> emoji = Arbitraries.integers().between(0, 63)
        .map(n -> "\uD83D\uDE00".repeat(n));
    Arbitrary<String> max = Arbitraries.just("x".repeat(255));
    return Arbitraries.frequencyOf(List.of(
        Tuple.of(6, ascii), Tuple.of(3, bmp), Tuple.of(1, emoji), Tuple.of(1, max)));
  }

  public static Arbitrary<LongString> longStrings() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(LongString::of);
  }

  /** Values of any tag in {@code tags}, nesting tables and arrays at most {@code depth} deep. */
  public static Arbitrary<FieldValue> fieldValues(String tags, int depth) {
    List<Arbitrary<FieldValue>> choices = new ArrayList<>();
    for (char tag : tags.toCharArray()) {
      if ((tag == 'A' || tag == 'F') && depth == 0) {
        continue;
      }
      choices.add(fieldValue(tag, tags, depth));
    }
    return Arbitraries.oneOf(choices);
  }

  private static Arbitrary<FieldValue> fieldValue(char tag, String tags, int depth) {
    return switch (tag) {
      case 't' -> Arbitraries.of(true, false).map(FieldValue.BooleanValue::new);
      case 'b' -> Arbitraries.bytes().map(FieldValue.ByteValue::new);
      case 'B' -> Arbitraries.integers().between(0, 255).map(FieldValue.UnsignedByteValue::new);
      case 's' -> Arbitraries.shorts().map(FieldValue.ShortValue::new);
      case 'u' -> Arbitraries.integers().between(0, 65535).map(FieldValue.UnsignedShortValue::new);
      case 'I' -> Arbitraries.integers().map(FieldValue.IntValue::new);
      case 'i' -> Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(FieldValue.UnsignedIntValue::new);
      case 'l' -> Arbitraries.longs().map(FieldValue.LongValue::new);
      case 'L' -> Arbitraries.longs().map(FieldValue.LongLongValue::new);
      case 'f' -> Arbitraries.floats().map(FieldValue.FloatValue::new);
      case 'd' -> Arbitraries.doubles().map(FieldValue.DoubleValue::new);
      case 'D' -> Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers())
          .as(FieldValue.DecimalValue::new);
      case 'S' -> longStrings().map(FieldValue.LongStringValue::new);
      case 'x' -> longStrings().map(FieldValue.BytesValue::new);
      case 'T' -> Arbitraries.longs().between(0, 1L << 40).map(FieldValue.TimestampValue::new);
      case 'V' -> Arbitraries.just(FieldValue.VoidValue.INSTANCE);
      case 'A' -> fieldValues(tags, depth - 1).list().ofMaxSize(4)
          .map(FieldValue.ArrayValue::new);
      case 'F' -> fieldTables(tags, depth - 1).map(FieldValue.TableValue::new);
      default -> throw new IllegalArgumentException("tag " + tag);
    };
  }

  public static Arbitrary<FieldTable> fieldTables() {
    return fieldTables(ALL_TAGS, 2);
  }

  public static Arbitrary<FieldTable> fieldTables(String tags, int depth) {
    Arbitrary<FieldTable.Entry> entry = Combinators.combine(shortStrings(), fieldValues(tags, depth))
        .as(FieldTable.Entry::new);
    return entry.list().ofMaxSize(6).uniqueElements(FieldTable.Entry::name).map(FieldTable::of);
  }

  public static Arbitrary<BasicProperties> basicProperties() {
    return basicProperties(ALL_TAGS);
  }

  /** Properties whose headers use only the given value tags. */
  public static Arbitrary<BasicProperties> basicProperties(String tags) {
    Arbitrary<String> s = shortStrings().injectNull(0.3);
    Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255).injectNull(0.3);
    Arbitrary<FieldTable> headers = fieldTables(tags, 2).injectNull(0.3);
    Arbitrary<Long> ts = Arbitraries.longs().injectNull(0.3);
    List<Arbitrary<Object>> arbitraries = List.of(s.asGeneric(), s.asGeneric(),
        headers.asGeneric(), octet.asGeneric(), octet.asGeneric(), s.asGeneric(), s.asGeneric(),
        s.asGeneric(), s.asGeneric(), ts.asGeneric(), s.asGeneric(), s.asGeneric(),
        s.asGeneric(), s.asGeneric());
    Arbitrary<List<Object>> parts = Combinators.combine(arbitraries).as(list -> list);
    return parts.map(p -> new BasicProperties((String) p.get(0), (String) p.get(1),
        (FieldTable) p.get(2), (Integer) p.get(3), (Integer) p.get(4), (String) p.get(5),
        (String) p.get(6), (String) p.get(7), (String) p.get(8), (Long) p.get(9),
        (String) p.get(10), (String) p.get(11), (String) p.get(12), (String) p.get(13)));
  }

  /** Random values for an argument of this wire type, as its record component's Java type. */
  public static Arbitrary<Object> argValues(ArgType type, String tags) {
    return switch (type) {
      case OCTET -> Arbitraries.integers().between(0, 255).map(v -> (Object) v);
      case SHORT -> Arbitraries.integers().between(0, 65535).map(v -> (Object) v);
      case LONG -> Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(v -> (Object) v);
      case LONGLONG -> Arbitraries.longs().map(v -> (Object) v);
      case BIT -> Arbitraries.of(true, false).map(v -> (Object) v);
      case SHORTSTR -> shortStrings().map(v -> (Object) v);
      case LONGSTR -> longStrings().map(v -> (Object) v);
      case TABLE -> fieldTables(tags, 2).map(v -> (Object) v);
    };
  }

  /** Random instances of one method, its components generated from the table's wire types. */
  public static Arbitrary<AmqpMethod> methods(MethodSpec spec) {
    return methods(spec, ALL_TAGS);
  }

  /** As {@link #methods(MethodSpec)}, with tables holding only the given value tags. */
  public static Arbitrary<AmqpMethod> methods(MethodSpec spec, String tags) {
    List<Arbitrary<Object>> args = new ArrayList<>();
    for (MethodSpec.Arg arg : spec.args()) {
      if (!arg.reserved()) {
        args.add(argValues(arg.type(), tags));
      }
    }
    if (args.isEmpty()) {
      return Arbitraries.just(construct(spec, List.of()));
    }
    return Combinators.combine(args).as(values -> construct(spec, values));
  }

  /** Random instances of every method in the table. */
  public static Arbitrary<AmqpMethod> methods() {
    return methods(ALL_TAGS);
  }

  /** Random instances of every method, tables holding only the given value tags. */
  public static Arbitrary<AmqpMethod> methods(String tags) {
    return Arbitraries.of(MethodTable.all()).flatMap(spec -> methods(spec, tags));
  }

  /** Random instances of the methods that match. */
  public static Arbitrary<AmqpMethod> methods(Set<Class<?>> types) {
    return Arbitraries.of(MethodTable.all().stream().filter(s -> types.contains(s.type())).toList())
        .flatMap(ProtocolArbitraries::methods);
  }

  /** Builds a method record through its canonical constructor. */
  public static AmqpMethod construct(MethodSpec spec, List<Object> values) {
    RecordComponent[] components = spec.type().getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    try {
      return spec.type().getDeclaredConstructor(types).newInstance(values.toArray());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  public static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
