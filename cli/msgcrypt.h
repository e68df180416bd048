/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kaifang msg …`: the message crypto of PROTOCOL.md §7 from the command
 * line, for operators and for the test suite's cross-checks against other
 * implementations. Needs no data directory.
 */
#ifndef KF_CLI_MSGCRYPT_H
#define KF_CLI_MSGCRYPT_H

/*
 * argv[0] is "msg", argv[1] the subcommand, then its options:
 *
 *   msg encrypt --token T --key K --appid A [--timestamp TS] [--nonce N]
 *       message bytes on stdin → {"encrypt","msg_signature","timestamp",
 *       "nonce"} (JSON, one line) on stdout; TS defaults to now, N to a
 *       random 10-digit nonce
 *   msg decrypt --token T --key K --appid A --timestamp TS --nonce N --signature S
 *       base64 ciphertext on stdin (surrounding white space ignored) →
 *       the message bytes, exactly, on stdout, after the signature and the
 *       app id are checked
 *   msg genkey
 *       a fresh 43-character EncodingAESKey and a newline
 *
 * Returns the process exit status: 0 success, 1 failure (message on
 * stderr, nothing on stdout), 2 usage error.
 */
int kf_cli_msgcrypt(int argc, char **argv);

#endif
