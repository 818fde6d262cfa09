/* A stand-in for Windows' bcryptprimitives.dll, for Wine 8 only (Debian 12's Wine), which lacks it.
 * Rust's standard library on Windows gets its random bytes from ProcessPrng in that DLL, which
 * Windows 10 and later have; without it loupe.exe cannot start under this Wine. The smoke tests
 * put this file in the test prefix's system32 when the prefix has no bcryptprimitives.dll; it is
 * never shipped. ProcessPrng here draws from RtlGenRandom (advapi32's SystemFunction036), the
 * system's CSPRNG. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n)) {
            return FALSE;
        }
        data += n;
        length -= n;
    }
    return TRUE;
}
