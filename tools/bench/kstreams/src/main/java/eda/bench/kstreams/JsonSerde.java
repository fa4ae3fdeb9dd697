package eda.bench.kstreams;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** JSON for the internal topics (repartition, changelogs), as our engine's {@code Serdes.Json}. */
final class JsonSerde {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonSerde() {}

  static <T> Serde<T> of(Class<T> type) {
    Serializer<T> ser =
        (topic, data) -> {
          if (data == null) return null;
          try {
            return MAPPER.writeValueAsBytes(data);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    Deserializer<T> de =
        (topic, bytes) -> {
          if (bytes == null) return null;
          try {
            return MAPPER.readValue(bytes, type);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
