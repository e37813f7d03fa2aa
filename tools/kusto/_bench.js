require('@kusto/language-service-next/bridge.js');
require('@kusto/language-service-next/Kusto.Language.Bridge.js');
const K=Kusto.Language, S=K.Symbols;
const fs=require('fs');
const schema=JSON.parse(fs.readFileSync('/work/shared/schemas/sentinel_schema.json','utf8'));
const mem=[];
for (const [k,v] of Object.entries(schema)) if(!k.startsWith('$')) mem.push(S.TableSymbol.From('('+Object.entries(v).map(([c,t])=>c+':'+t).join(', ')+')').WithName(k));
for (const [k,v] of Object.entries(schema.$functions)) mem.push(new S.FunctionSymbol.$ctor6(k, S.TableSymbol.From('('+Object.entries(v.returns).map(([c,t])=>c+':'+t).join(', ')+')'), S.Parameter.ParseList(v.params), null));
const g=K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor1('db',mem,false));
const lines=fs.readFileSync('/tmp/bench.jsonl','utf8').split('\n').filter(Boolean).slice(0,5).map(l=>JSON.parse(l).query);
K.KustoCode.ParseAndAnalyze('print 1', g).GetDiagnostics();
for (const q of lines) { for (let r=0;r<3;r++){ const t=process.hrtime.bigint(); let N=20; for(let i=0;i<N;i++){ const c=K.KustoCode.ParseAndAnalyze(q,g); c.GetSyntaxDiagnostics(); c.GetDiagnostics(); } console.log(q.slice(0,30), Number(process.hrtime.bigint()-t)/1e6/N,'ms'); } }
for (const q of ['_Im_ProcessCreate()', '_Im_ProcessCreate(nosuch=1)', '_Im_ProcessCreate(starttime="x")', '_Im_ProcessCreate(ago(1d), now(), dynamic(["a"])) | project TargetProcessName, Nope', '_Im_ProcessCreate | take 1', 'imDns(domain_has_any=dynamic(["x"])) | project DnsQuery', '_Im_ProcessCreate(starttime=ago(1d)) | where TargetProcessName has "x"']) {
 const c=K.KustoCode.ParseAndAnalyze(q,g); const e=Bridge.getEnumerator(c.GetDiagnostics()); const o=[]; while(e.moveNext()) o.push(e.Current.Code+' '+e.Current.Message);
 const cols=c.ResultType && c.ResultType.Columns ? (()=>{let n=0; const e2=Bridge.getEnumerator(c.ResultType.Columns); while(e2.moveNext()) n++; return n;})() : -1;
 console.log(q, cols, o);
}
