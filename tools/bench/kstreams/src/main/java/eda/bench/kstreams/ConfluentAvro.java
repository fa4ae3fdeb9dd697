package eda.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Confluent-framed Avro (magic 0, 4-byte schema id, Avro binary) through the
 * registry's Confluent-compatible API, as our {@code AvroSerde}: the subjects
 * (TopicNameStrategy) are looked up at start-up, never auto-registered; a
 * writer schema id not seen before is fetched once and cached.
 */
final class ConfluentAvro {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final String registryUrl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

  ConfluentAvro(String registryUrl) {
    this.registryUrl = registryUrl.replaceAll("/+$", "");
  }

  static Schema load(Path schemasDir, String name) {
    try {
      return new Schema.Parser().parse(Files.readString(schemasDir.resolve(name + ".avsc")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The id under which `subject` holds `schema` (POST /subjects/{subject}: a lookup, not a registration). */
  int idOf(String subject, Schema schema) {
    JsonNode body =
        call(
            HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        MAPPER.createObjectNode().put("schema", schema.toString()).toString()))
                .build());
    int id = body.get("id").asInt();
    byId.put(id, schema);
    return id;
  }

  private Schema writerSchema(int id) {
    return byId.computeIfAbsent(
        id,
        k ->
            new Schema.Parser()
                .parse(
                    call(HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + k)).GET().build())
                        .get("schema")
                        .asText()));
  }

  private JsonNode call(HttpRequest request) {
    try {
      HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200)
        throw new IllegalStateException(request.uri() + " answered " + res.statusCode() + ": " + res.body());
      return MAPPER.readTree(res.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Decodes framed records with `reader` (resolving each writer schema), then maps them. */
  <T> Deserializer<T> deserializer(Schema reader, Function<GenericRecord, T> map) {
    Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
    return new Deserializer<>() {
      private BinaryDecoder decoder;
      private GenericRecord reuse;

      @Override
      public T deserialize(String topic, byte[] data) {
        if (data == null) return null;
        ByteBuffer buf = ByteBuffer.wrap(data);
        if (buf.get() != 0) throw new IllegalArgumentException("not Confluent-framed Avro");
        int id = buf.getInt();
        GenericDatumReader<GenericRecord> r =
            readers.computeIfAbsent(id, k -> new GenericDatumReader<>(writerSchema(k), reader));
        decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, decoder);
        try {
          reuse = r.read(reuse, decoder);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return map.apply(reuse);
      }
    };
  }

  /** Encodes with `schema` under the subject's id: fill the record, write the frame. */
  <T> Serializer<T> serializer(Schema schema, int id, java.util.function.BiConsumer<T, GenericRecord> fill) {
    GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(schema);
    return new Serializer<>() {
      private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      private BinaryEncoder encoder;

      @Override
      public byte[] serialize(String topic, T data) {
        if (data == null) return null;
        GenericRecord record = new GenericData.Record(schema);
        fill.accept(data, record);
        out.reset();
        out.write(0);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
        try {
          writer.write(record, encoder);
          encoder.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return out.toByteArray();
      }
    };
  }

  static String str(Object utf8) {
    return utf8 == null ? null : utf8.toString();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
