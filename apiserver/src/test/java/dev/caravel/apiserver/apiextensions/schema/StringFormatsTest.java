package dev.caravel.apiserver.apiextensions.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The string formats Kubernetes checks, accepting and refusing what kube-openapi's registry does. */
class StringFormatsTest {

    @ParameterizedTest(name = "{0} accepts \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
            "date-time|2024-05-01T10:00:00Z|true",
            "date-time|2024-05-01t10:00:00.123+02:00|true",
            "date-time|2024-05-01T10:00Z|false",
            "date-time|2024-05-01T24:00:00Z|false",
            "date-time|2024-05-01 10:00:00Z|false",
            "datetime|2024-05-01T10:00:00Z|true",
            "date|2024-02-29|true",
            "date|2023-02-29|false",
            "duration|1h30m|true",
            "duration|5 days|true",
            "duration|3 fortnights|false",
            "email|a@b.io|true",
            "email|Alice <alice@example.com>|true",
            "email|alice|false",
            "hostname|my-host.example.com|true",
            "hostname|-bad.example.com|false",
            "ipv4|192.168.0.1|true",
            "ipv4|192.168.0.256|false",
            "ipv4|010.0.0.1|false",
            "ipv6|2001:db8::1|true",
            "ipv6|2001:db8:::1|false",
            "cidr|10.0.0.0/8|true",
            "cidr|10.0.0.0/33|false",
            "mac|00:1a:2b:3c:4d:5e|true",
            "mac|00:1a:2b-3c:4d:5e|false",
            "uuid|123E4567-E89B-12D3-A456-426614174000|true",
            "uuid4|123e4567-e89b-42d3-a456-426614174000|true",
            "uuid4|123e4567-e89b-12d3-a456-426614174000|false",
            "uri|https://example.com:8443/x?y#z|true",
            "uri|/just/a/path|true",
            "uri|example.com|false",
            "uri|http://example.com:port/|false",
            "byte|aGVsbG8=|true",
            "byte|aGVsbG8|false",
            "hexcolor|#ff00AA|true",
            "rgbcolor|rgb(255, 0, 10)|true",
            "rgbcolor|rgb(256, 0, 10)|false",
            "isbn10|0-321-75104-3|true",
            "isbn13|978-0321751041|true",
            "isbn13|978-0321751042|false",
            "creditcard|4111 1111 1111 1111|true",
            "creditcard|4111 1111 1111 1112|false",
            "ssn|123-45-6789|true",
            "bsonobjectid|507f1f77bcf86cd799439011|true",
            "password|anything at all|true",
    })
    void aFormatAcceptsWhatTheReferenceAccepts(String format, String value, boolean valid) {
        assertThat(StringFormats.isKnown(format)).isTrue();
        assertThat(StringFormats.validates(format, value)).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource({"int32", "int64", "double", "k8s-short-name", "Email", "date_time"})
    void formatsOutsideKubernetesSupportListAreNotChecked(String format) {
        assertThat(StringFormats.isKnown(format)).isFalse();
    }
}
