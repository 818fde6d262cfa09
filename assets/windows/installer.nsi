; The Windows installer of Loupe (NSIS 3, Unicode). Built by scripts/package.sh windows:
;   makensis -DVERSION=0.1.0 -DSRCDIR=<folder with loupe.exe and guide\> -DOUTFILE=<setup.exe> installer.nsi
;
; It installs for the current user only, with no administrator rights: into
; %LOCALAPPDATA%\Programs\Loupe, with a Start-menu entry, an uninstaller listed in "Apps", the
; .loupe file type (double-click opens the project), and "Open with Loupe" on CSV and Excel files.
; The uninstaller removes all of that; the user's projects, settings and logs stay.

; A 64-bit installer for a 64-bit program (it also runs where no 32-bit support is installed).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"

!ifndef VERSION
  !error "-DVERSION=x.y.z is required"
!endif
!ifndef SRCDIR
  !error "-DSRCDIR=<folder with loupe.exe> is required"
!endif
!ifndef OUTFILE
  !define OUTFILE "Loupe-${VERSION}-setup.exe"
!endif

!define APP "Loupe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Loupe"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Loupe"
InstallDirRegKey HKCU "Software\Loupe" "InstallDir"
BrandingText "Loupe ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "Loupe"
VIAddVersionKey /LANG=1033 "FileDescription" "Loupe installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "MIT OR Apache-2.0"

!define MUI_ICON "${SRCDIR}\loupe.ico"
!define MUI_UNICON "${SRCDIR}\loupe.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\loupe.exe"
!define MUI_FINISHPAGE_RUN_NOTCHECKED

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

; Data files that get "Open with Loupe".
!macro DATA_TYPE EXT
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "Loupe.Data" ""
  WriteRegStr HKCU "Software\Classes\Applications\loupe.exe\SupportedTypes" "${EXT}" ""
!macroend
!macro UN_DATA_TYPE EXT
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "Loupe.Data"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}"
!macroend

Section "Loupe" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${SRCDIR}\loupe.exe"
  File "${SRCDIR}\loupe.ico"
  File "${SRCDIR}\LICENSES.txt"
  !if /FileExists "${SRCDIR}\guide\en\index.html"
    File /r "${SRCDIR}\guide"
  !endif
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\Loupe" "InstallDir" "$INSTDIR"

  CreateDirectory "$SMPROGRAMS\Loupe"
  CreateShortcut "$SMPROGRAMS\Loupe\Loupe.lnk" "$INSTDIR\loupe.exe" "" "$INSTDIR\loupe.exe" 0
  CreateShortcut "$SMPROGRAMS\Loupe\Uninstall Loupe.lnk" "$INSTDIR\uninstall.exe"

  ; Loupe projects: the file type, its icon, and double-click to open.
  WriteRegStr HKCU "Software\Classes\.loupe" "" "Loupe.Project"
  WriteRegStr HKCU "Software\Classes\.loupe" "Content Type" "application/x-loupe-project"
  WriteRegStr HKCU "Software\Classes\Loupe.Project" "" "Loupe project"
  WriteRegStr HKCU "Software\Classes\Loupe.Project\DefaultIcon" "" "$INSTDIR\loupe.exe,0"
  WriteRegStr HKCU "Software\Classes\Loupe.Project\shell\open\command" "" '"$INSTDIR\loupe.exe" "%1"'

  ; Data files: "Open with Loupe" (the window asks which project to import into).
  WriteRegStr HKCU "Software\Classes\Loupe.Data" "" "Data file for Loupe"
  WriteRegStr HKCU "Software\Classes\Loupe.Data\DefaultIcon" "" "$INSTDIR\loupe.exe,0"
  WriteRegStr HKCU "Software\Classes\Loupe.Data\shell\open\command" "" '"$INSTDIR\loupe.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\loupe.exe" "FriendlyAppName" "Loupe"
  WriteRegStr HKCU "Software\Classes\Applications\loupe.exe\shell\open\command" "" '"$INSTDIR\loupe.exe" "%1"'
  !insertmacro DATA_TYPE ".csv"
  !insertmacro DATA_TYPE ".tsv"
  !insertmacro DATA_TYPE ".txt"
  !insertmacro DATA_TYPE ".xlsx"
  !insertmacro DATA_TYPE ".xls"
  !insertmacro DATA_TYPE ".parquet"

  ; "Apps" / "Programs and Features", for this user.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "Loupe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "Loupe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\loupe.exe,0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1

  ; Tell Explorer the file types changed (SHCNE_ASSOCCHANGED).
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$INSTDIR\loupe.exe"
  Delete "$INSTDIR\loupe.ico"
  Delete "$INSTDIR\LICENSES.txt"
  RMDir /r "$INSTDIR\guide"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\Loupe\Loupe.lnk"
  Delete "$SMPROGRAMS\Loupe\Uninstall Loupe.lnk"
  RMDir "$SMPROGRAMS\Loupe"

  ; .loupe stays associated with another program if the user chose one since.
  ReadRegStr $0 HKCU "Software\Classes\.loupe" ""
  StrCmp $0 "Loupe.Project" 0 +2
    DeleteRegKey HKCU "Software\Classes\.loupe"
  DeleteRegKey HKCU "Software\Classes\Loupe.Project"
  DeleteRegKey HKCU "Software\Classes\Loupe.Data"
  DeleteRegKey HKCU "Software\Classes\Applications\loupe.exe"
  !insertmacro UN_DATA_TYPE ".csv"
  !insertmacro UN_DATA_TYPE ".tsv"
  !insertmacro UN_DATA_TYPE ".txt"
  !insertmacro UN_DATA_TYPE ".xlsx"
  !insertmacro UN_DATA_TYPE ".xls"
  !insertmacro UN_DATA_TYPE ".parquet"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\Loupe"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
