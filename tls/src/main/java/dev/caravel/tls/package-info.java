/**
 * TLS material from and to PEM files: {@link dev.caravel.tls.Pem} reads and writes certificates and
 * keys, {@link dev.caravel.tls.TlsContexts} builds trust and key managers, and
 * {@link dev.caravel.tls.CertificateAuthority} issues certificates. BouncyCastle does the ASN.1 and
 * PEM work; decision 0026 says why this is a module of its own.
 */
package dev.caravel.tls;
