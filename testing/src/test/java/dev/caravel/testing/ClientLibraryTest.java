package dev.caravel.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientLibraryTest {

    /** Sees only the JDK: as if the test had not brought either client library. */
    private static final ClassLoader JDK_ONLY = new ClassLoader(null) {};

    @Test
    void aMissingFabric8NamesTheArtifactToAdd() {
        assertThatThrownBy(() -> ClientLibrary.FABRIC8.requirePresent(JDK_ONLY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot create a KubernetesClient")
                .hasMessageContaining("io.fabric8:kubernetes-client");
    }

    @Test
    void aMissingOfficialClientNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> ClientLibrary.OFFICIAL.requirePresent(JDK_ONLY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot create an ApiClient")
                .hasMessageContaining("io.kubernetes:client-java");
    }

    @Test
    void clientTypesAreRecognisedByName() {
        assertThat(ClientLibrary.forType(KubernetesClient.class)).isEqualTo(ClientLibrary.FABRIC8);
        assertThat(ClientLibrary.forType(ApiClient.class)).isEqualTo(ClientLibrary.OFFICIAL);
        assertThat(ClientLibrary.forType(String.class)).isNull();
    }
}
