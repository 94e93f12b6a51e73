<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>dspy::ui::EvaluateView</name>
    <message>
        <source>first </source>
        <translation>erste </translation>
    </message>
    <message>
        <source> examples</source>
        <translation> Beispiele</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>Evaluieren</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>JSON…</source>
        <translation>JSON…</translation>
    </message>
    <message>
        <source>Filter results</source>
        <translation>Ergebnisse filtern</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>Vorhersage</translation>
    </message>
    <message>
        <source>Gold</source>
        <translation>Soll</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Score histogram</source>
        <translation>Histogramm der Bewertungen</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Beispielprojekt</translation>
    </message>
    <message>
        <source>Cannot load the sample %1</source>
        <translation>Das Beispiel %1 kann nicht geladen werden</translation>
    </message>
    <message>
        <source>Evaluate %1</source>
        <translation>%1 evaluieren</translation>
    </message>
    <message>
        <source>%1 / %2, score %3%</source>
        <translation>%1 / %2, Bewertung %3 %</translation>
    </message>
    <message>
        <source>Stopped: score %1%</source>
        <translation>Abgebrochen: Bewertung %1 %</translation>
    </message>
    <message>
        <source>Score %1%</source>
        <translation>Bewertung %1 %</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Nothing evaluated yet</source>
        <translation>Noch nichts evaluiert</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>Ergebnisse exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>dspy::ui::LMProfileDialog</name>
    <message>
        <source>LM profile</source>
        <translation>LM-Profil</translation>
    </message>
    <message>
        <source>e.g. gpt-4o-mini</source>
        <translation>z. B. gpt-4o-mini</translation>
    </message>
    <message>
        <source>the provider's default</source>
        <translation>Standard des Anbieters</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>the provider's default, e.g. OPENAI_API_KEY</source>
        <translation>Standard des Anbieters, z. B. OPENAI_API_KEY</translation>
    </message>
    <message>
        <source>stored in the keychain, never in project files</source>
        <translation>im Schlüsselbund gespeichert, nie in Projektdateien</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Max. Tokens</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Parallelität</translation>
    </message>
    <message>
        <source>Key variable</source>
        <translation>Schlüsselvariable</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>OK in %1 ms: %2</source>
        <translation>OK in %1 ms: %2</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Simulated</source>
        <translation>Simuliert</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Teste…</translation>
    </message>
    <message>
        <source>Test profile %1</source>
        <translation>Profil %1 testen</translation>
    </message>
</context>
<context>
    <name>dspy::ui::MainWindow</name>
    <message>
        <source>Simulated LM (offline)</source>
        <translation>Simuliertes LM (offline)</translation>
    </message>
    <message>
        <source>DSPy Workbench</source>
        <translation>DSPy Workbench</translation>
    </message>
    <message>
        <source>%1 — DSPy Workbench</source>
        <translation>%1 — DSPy Workbench</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>Willkommen</translation>
    </message>
    <message>
        <source>%1 run %2 started (%3)</source>
        <translation>%1-Lauf %2 gestartet (%3)</translation>
    </message>
    <message>
        <source>Run %1 %2</source>
        <translation>Lauf %1: %2</translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation>Lauf %1: %2: %3</translation>
    </message>
    <message>
        <source>Prediction (%1 ms): %2</source>
        <translation>Vorhersage (%1 ms): %2</translation>
    </message>
    <message>
        <source>&lt;h2&gt;DSPy Workbench&lt;/h2&gt;&lt;p&gt;Open a bundled sample. Each runs offline on the %1.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;DSPy Workbench&lt;/h2&gt;&lt;p&gt;Öffnen Sie ein mitgeliefertes Beispiel. Jedes läuft offline mit dem Profil „%1“.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open sample</source>
        <translation>Beispiel öffnen</translation>
    </message>
    <message>
        <source>Signatures</source>
        <translation>Signaturen</translation>
    </message>
    <message>
        <source>Programs</source>
        <translation>Programme</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>LM profiles</source>
        <translation>LM-Profile</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Select an item to see its properties.</source>
        <translation>Wählen Sie ein Element, um seine Eigenschaften zu sehen.</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>Inspektor</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Traces / Log</source>
        <translation>Traces / Protokoll</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>LM: </source>
        <translation>LM: </translation>
    </message>
    <message>
        <source>The LM profile runs use</source>
        <translation>Das LM-Profil, mit dem Läufe arbeiten</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Run the current signature on the sample's first example</source>
        <translation>Die aktuelle Signatur auf das erste Beispiel anwenden</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>Evaluieren</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message numerus="yes">
        <source>%n call(s) in flight</source>
        <translation>
            <numerusform>%n Aufruf läuft</numerusform><numerusform>%n Aufrufe laufen</numerusform></translation>
    </message>
    <message>
        <source>%1 tokens, $%2 this session</source>
        <translation>%1 Tokens, $%2 in dieser Sitzung</translation>
    </message>
    <message>
        <source>cache hits %1%</source>
        <translation>Cache-Treffer %1 %</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;&lt;b&gt;Signature:&lt;/b&gt; &lt;code&gt;%3&lt;/code&gt;&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Metric field:&lt;/b&gt; %5&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;&lt;b&gt;Signatur:&lt;/b&gt; &lt;code&gt;%3&lt;/code&gt;&lt;/p&gt;&lt;p&gt;&lt;b&gt;Eingaben:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Metrikfeld:&lt;/b&gt; %5&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Model &lt;code&gt;%2&lt;/code&gt;: answers in-process, no network, no cost.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Modell &lt;code&gt;%2&lt;/code&gt;: antwortet im Prozess, ohne Netzwerk, ohne Kosten.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;exact_match&lt;/h3&gt;&lt;p&gt;1 when the prediction equals the gold value after normalisation, else 0.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;exact_match&lt;/h3&gt;&lt;p&gt;1, wenn die Vorhersage nach der Normalisierung dem Sollwert gleicht, sonst 0.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Signature: %1</source>
        <translation>Signatur: %1</translation>
    </message>
    <message>
        <source>Opened sample %1</source>
        <translation>Beispiel %1 geöffnet</translation>
    </message>
    <message>
        <source>Cannot run: %1</source>
        <translation>Ausführen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Cannot load the sample %1</source>
        <translation>Das Beispiel %1 kann nicht geladen werden</translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation>%1 ausführen</translation>
    </message>
    <message>
        <source>Runs are not traced: %1</source>
        <translation>Läufe werden nicht aufgezeichnet: %1</translation>
    </message>
    <message>
        <source>Traces</source>
        <translation>Traces</translation>
    </message>
    <message>
        <source>Profiles…</source>
        <translation>Profile…</translation>
    </message>
</context>
<context>
    <name>dspy::ui::SignatureEditor</name>
    <message>
        <source>Copy messages</source>
        <translation>Nachrichten kopieren</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Signatur</translation>
    </message>
    <message>
        <source>Preview for</source>
        <translation>Vorschau für</translation>
    </message>
    <message numerus="yes">
        <source>Valid: %n input(s)</source>
        <translation>
            <numerusform>Gültig: %n Eingabe</numerusform><numerusform>Gültig: %n Eingaben</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n output(s)</source>
        <translation>
            <numerusform>%n Ausgabe</numerusform><numerusform>%n Ausgaben</numerusform></translation>
    </message>
    <message>
        <source>Error at position %1: %2</source>
        <translation>Fehler an Position %1: %2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Fix the signature to see the messages.</source>
        <translation>Korrigieren Sie die Signatur, um die Nachrichten zu sehen.</translation>
    </message>
</context>
<context>
    <name>dspy::ui::SignatureLexer</name>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Field name</source>
        <translation>Feldname</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Arrow</source>
        <translation>Pfeil</translation>
    </message>
    <message>
        <source>Punctuation</source>
        <translation>Satzzeichen</translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceInspector</name>
    <message>
        <source>Search prompts and responses (Enter)</source>
        <translation>Prompts und Antworten durchsuchen (Eingabe)</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Raw response</source>
        <translation>Rohantwort</translation>
    </message>
    <message>
        <source>Parsed fields</source>
        <translation>Ausgewertete Felder</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
</context>
<context>
    <name>dspy::ui::TraceModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>hit</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>miss</source>
        <translation>kein Treffer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>Beispiel</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Cache</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>DSPy Workbench: build, inspect and evaluate LM programs.</source>
        <translation>DSPy Workbench: LM-Programme bauen, untersuchen und evaluieren.</translation>
    </message>
    <message>
        <source>Project directory to open.</source>
        <translation>Zu öffnendes Projektverzeichnis.</translation>
    </message>
    <message>
        <source>Render the window offscreen to a PNG file and exit.</source>
        <translation>Das Fenster unsichtbar in eine PNG-Datei zeichnen und beenden.</translation>
    </message>
    <message>
        <source>View to show: %1.</source>
        <translation>Anzuzeigende Ansicht: %1.</translation>
    </message>
    <message>
        <source>Window size for --screenshot.</source>
        <translation>Fenstergröße für --screenshot.</translation>
    </message>
</context>
</TS>