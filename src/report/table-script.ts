/**
 * The small inline script and stylesheet that make a tableHtml table sortable and paged
 * in a browser. Each table carries its own copy (about 2 kB), so a table stays
 * self-contained wherever its HTML is pasted. Without JavaScript (an untrusted notebook),
 * the first page shows and a note says how many rows there are.
 */
import { jsonForScript } from './escape.js';

/** Scoped CSS for `.kalelab-table` (inlined once per table). */
export const TABLE_CSS = `
.kalelab-table{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0.5em 0;max-width:100%;overflow-x:auto}
.kalelab-table table{border-collapse:collapse}
.kalelab-table caption{caption-side:top;text-align:left;font-weight:600;padding:0.2em 0}
.kalelab-table table th,.kalelab-table table td{padding:0.25em 0.7em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.kalelab-table table th{background:#f4f4f4;white-space:nowrap;user-select:none}
.kalelab-table th.kt-sortable{cursor:pointer}
.kalelab-table th[aria-sort=ascending]::after{content:" \\25B2";font-size:0.8em}
.kalelab-table th[aria-sort=descending]::after{content:" \\25BC";font-size:0.8em}
.kalelab-table table td:not(.num){text-align:left!important}
.kalelab-table table td.num{text-align:right!important;font-variant-numeric:tabular-nums;white-space:nowrap}
.kalelab-table tbody tr:nth-child(even){background:#fafafa}
.kalelab-table table td.kt-mark{font-weight:600;background:#fff2c6}
.kalelab-table .kt-pager{margin-top:0.3em;color:#555}
.kalelab-table .kt-pager button{margin:0 0.3em;font:inherit;cursor:pointer}
`;

/**
 * Wires sorting (click a header: ascending, then descending; missing values last; numbers
 * by their data-v, text by its full text) and paging for the table whose wrapper has `id`.
 */
export function tableScript(id: string, pageSize: number, sortable: boolean): string {
  return `(function(){
var root=document.getElementById(${jsonForScript(id)});if(!root||root.getAttribute('data-kt-ready'))return;
root.setAttribute('data-kt-ready','1');
var body=root.querySelector('tbody'),rows=Array.prototype.slice.call(body.rows),size=${pageSize},page=0;
var info=root.querySelector('.kt-info');
function show(){var n=rows.length,pages=size>0?Math.ceil(n/size):1;if(page>=pages)page=pages-1;if(page<0)page=0;
var a=size>0?page*size:0,b=size>0?Math.min(n,a+size):n;
for(var i=0;i<n;i++){rows[i].style.display=(i>=a&&i<b)?'':'none';}
if(info)info.textContent=(n?(a+1)+'\\u2013'+b:'0')+' of '+n+' rows';}
var pager=root.querySelector('.kt-pager');
if(pager)pager.addEventListener('click',function(e){var t=e.target;if(!t||!t.getAttribute)return;
var p=t.getAttribute('data-p');if(p==='prev')page--;else if(p==='next')page++;else if(p==='first')page=0;else if(p==='last')page=1e9;else return;show();});
function key(td){if(!td)return null;var v=td.getAttribute('data-v');if(v!==null)return parseFloat(v);
var t=td.getAttribute('title')||td.textContent;return t===''?null:t;}
if(${sortable ? 'true' : 'false'}){var ths=root.querySelectorAll('thead th');
Array.prototype.forEach.call(ths,function(th,col){th.className+=' kt-sortable';th.addEventListener('click',function(){
var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
Array.prototype.forEach.call(ths,function(o){o.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
var keyed=rows.map(function(r,i){return {r:r,i:i,k:key(r.cells[col])};});
keyed.sort(function(x,y){if(x.k===null||y.k===null){return x.k===y.k?x.i-y.i:(x.k===null?1:-1);}
var c=(typeof x.k==='number'&&typeof y.k==='number')?x.k-y.k:String(x.k).localeCompare(String(y.k),undefined,{numeric:true});
return c===0?x.i-y.i:dir*c;});
rows=keyed.map(function(o){return o.r;});rows.forEach(function(r){body.appendChild(r);});page=0;show();});});}
show();})();`;
}
