#pragma once
// QScintilla's headers use the `signals` and `slots` keywords, which the project turns off
// (QT_NO_KEYWORDS); include them only through this header.
#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define slots Q_SLOTS
#endif
#include <Qsci/qsciapis.h>
#include <Qsci/qscilexercustom.h>
#include <Qsci/qsciscintilla.h>
#ifdef QT_NO_KEYWORDS
#undef signals
#undef slots
#endif
