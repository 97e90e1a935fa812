package dev.caravel.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real kubectl and helm the packaged end-to-end tests drive: where ./scripts/test installed
 * them (CARAVEL_KUBECTL, CARAVEL_HELM), else Caravel's default tool cache. The same lookup as the
 * apiserver's in-process tests; test classes are not shared between modules, hence this copy.
 */
final class ClientBinaries {

    private ClientBinaries() {}

    static Path kubectl() {
        return find("CARAVEL_KUBECTL", "kubectl/kubectl");
    }

    static Path helm() {
        return find("CARAVEL_HELM", "helm/helm");
    }

    private static Path find(String variable, String inLayer) {
        String fromEnv = System.getenv(variable);
        Path path = fromEnv != null && !fromEnv.isEmpty() ? Path.of(fromEnv)
                : Path.of(System.getProperty("user.home"), ".cache/caravel/tools/kubectl-layer-2.1.0", inLayer);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path.getFileName() + " not found at " + path
                    + ": run `. scripts/lib/tools.sh && caravel_install_kubectl_and_helm` or set " + variable);
        }
        return path;
    }
}
