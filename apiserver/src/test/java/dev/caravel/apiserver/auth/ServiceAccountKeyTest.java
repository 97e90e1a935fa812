package dev.caravel.apiserver.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountKeyTest {

    @TempDir
    Path dir;

    @Test
    void aKeyFileIsCreatedForTheOwnerOnlyAndReadBackAsTheSameKey() throws Exception {
        Path file = dir.resolve("service-account-key.pem");
        ServiceAccountKey created = ServiceAccountKey.loadOrCreate(file);
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        ServiceAccountKey read = ServiceAccountKey.loadOrCreate(file);
        assertThat(read.keyId()).isEqualTo(created.keyId());
        assertThat(read.jwk()).isEqualTo(created.jwk());
        byte[] input = "header.claims".getBytes(StandardCharsets.US_ASCII);
        assertThat(read.verify(input, created.sign(input))).isTrue();
    }

    @Test
    void aFileWithoutAKeyIsRefusedRatherThanReplaced() throws Exception {
        Path file = dir.resolve("not-a-key.pem");
        Files.writeString(file, "hello");
        assertThatThrownBy(() -> ServiceAccountKey.loadOrCreate(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PKCS#8 PEM private key");
        assertThat(Files.readString(file)).isEqualTo("hello");
    }

    @Test
    void aTokenIsValidWithinItsWindowAndAMinuteOfLeewayOnly() {
        ServiceAccountKey key = ServiceAccountKey.generate();
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        ServiceAccountTokens issuer = new ServiceAccountTokens(() -> key, ServiceAccountTokens.DEFAULT_ISSUER,
                Clock.fixed(issued, ZoneOffset.UTC));
        var claims = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("iat", issued.getEpochSecond()).put("nbf", issued.getEpochSecond())
                .put("exp", issued.plusSeconds(600).getEpochSecond());
        claims.putArray("aud").add(ServiceAccountTokens.DEFAULT_ISSUER);
        String token = issuer.issue(claims);

        assertThat(at(key, issued.plusSeconds(650)).verify(token, List.of()))
                .isInstanceOf(ServiceAccountTokens.Verification.Valid.class);
        assertThat(at(key, issued.plusSeconds(661)).verify(token, List.of()))
                .isEqualTo(new ServiceAccountTokens.Verification.Rejected("service account token has expired"));
        assertThat(at(key, issued.minus(Duration.ofSeconds(61))).verify(token, List.of()))
                .isEqualTo(new ServiceAccountTokens.Verification.Rejected("service account token is not valid yet"));
        assertThat(at(ServiceAccountKey.generate(), issued).verify(token, List.of()))
                .isInstanceOf(ServiceAccountTokens.Verification.Rejected.class);
        ServiceAccountTokens otherIssuer = new ServiceAccountTokens(() -> key, "https://elsewhere", Clock.fixed(issued, ZoneOffset.UTC));
        assertThat(otherIssuer.verify(token, List.of())).isInstanceOf(ServiceAccountTokens.Verification.NotOurs.class);
    }

    private static ServiceAccountTokens at(ServiceAccountKey key, Instant now) {
        return new ServiceAccountTokens(() -> key, ServiceAccountTokens.DEFAULT_ISSUER, Clock.fixed(now, ZoneOffset.UTC));
    }
}
