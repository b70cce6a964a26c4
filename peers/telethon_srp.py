"""SRP peer: Telethon 1.45.0's `compute_check` answers an `account.password` made by
our server side. Usage: python telethon_srp.py P_HEX G SALT1_HEX SALT2_HEX SRP_B_HEX PASSWORD
Prints `A_HEX M1_HEX`.
"""

import sys

from telethon.password import compute_check
from telethon.tl import types


def main():
    p, g, salt1, salt2, srp_b, password = sys.argv[1:7]
    algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=bytes.fromhex(salt1), salt2=bytes.fromhex(salt2), g=int(g), p=bytes.fromhex(p))
    request = types.account.Password(
        new_algo=types.PasswordKdfAlgoUnknown(), new_secure_algo=types.SecurePasswordKdfAlgoUnknown(),
        secure_random=b"", has_password=True, current_algo=algo, srp_B=bytes.fromhex(srp_b), srp_id=1)
    check = compute_check(request, password)
    print(check.A.hex(), check.M1.hex())


if __name__ == "__main__":
    main()
